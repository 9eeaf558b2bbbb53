//! factwire's command line: clap arguments, the config file, output formats, the
//! `error:` line and exit codes.
//!
//! [`run`] is the whole program; the `factwire` binary's `main` only calls it. Parsing
//! follows two steps: raw clap arguments ([`args`]), then validated settings
//! ([`config::Settings`]), then a pipeline plan or a store/index query. Each command
//! lives in its own module under `commands/`.
//!
//! Errors: every failure is sorted into bad usage or input (exit 2) or work that failed
//! (exit 1) and printed as exactly one line, `error: <input>: <cause>: <cause>`. A
//! broken pipe (`factwire facts | head`) ends quietly with status 0. Nothing here calls
//! `process::exit`, so destructors (the run lock, the index writer) always run.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod aliases;
pub mod args;
mod commands;
pub mod config;
mod output;
mod signals;
mod thesaurus;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

/// A failed command, sorted by exit status.
#[derive(Debug)]
pub enum Fail {
    /// Bad usage or bad input: exit 2.
    Input(anyhow::Error),
    /// The work failed: exit 1.
    Work(anyhow::Error),
    /// The work failed and has already been reported (e.g. in the run report).
    Reported,
    /// A signal stopped the work after it was reported (the report says
    /// `interrupted`): exit with this status (130 for SIGINT, 143 for SIGTERM).
    Interrupted(u8),
}

impl Fail {
    fn code(&self) -> u8 {
        match self {
            Fail::Input(_) => 2,
            Fail::Work(_) | Fail::Reported => 1,
            Fail::Interrupted(code) => *code,
        }
    }
}

/// `Result` of a command.
pub type CmdResult = std::result::Result<(), Fail>;

/// Runs the command line and returns the exit status.
pub fn run() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    init_logging(&cli.global);
    let result = dispatch_without_panics(cli);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => {
            let code = fail.code();
            match &fail {
                Fail::Input(e) | Fail::Work(e) => {
                    if is_broken_pipe(e) {
                        return ExitCode::SUCCESS;
                    }
                    eprintln!("error: {}", one_line(e));
                }
                Fail::Reported | Fail::Interrupted(_) => {}
            }
            ExitCode::from(code)
        }
    }
}

/// The first panic's message and place (and, with `RUST_BACKTRACE` set, its
/// backtrace), kept by the hook [`dispatch_without_panics`] installs.
static FIRST_PANIC: std::sync::Mutex<Option<(String, Option<String>)>> =
    std::sync::Mutex::new(None);

/// Runs the command so that even a bug ends in one `error:` line and exit status 1,
/// never a stack trace (the contract). The panic hook prints nothing and keeps the
/// message for that line, so a panic a library catches at its boundary (the index, on
/// a corrupt file, reports it as an ordinary error) leaves no trace on stderr. With
/// `RUST_BACKTRACE` set, an uncaught panic's backtrace follows the error line.
fn dispatch_without_panics(cli: args::Cli) -> CmdResult {
    let trace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let backtrace = trace.then(|| std::backtrace::Backtrace::force_capture().to_string());
        if let Ok(mut first) = FIRST_PANIC.lock() {
            first.get_or_insert_with(|| {
                (format!("{}{at}", panic_message(info.payload())), backtrace)
            });
        }
    }));
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commands::dispatch(cli)))
        .unwrap_or_else(|payload| {
            let (what, backtrace) = FIRST_PANIC
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_else(|| (panic_message(payload.as_ref()), None));
            if let Some(bt) = backtrace {
                eprintln!("{bt}");
            }
            Err(Fail::Work(anyhow::anyhow!(
                "internal error: {what} (a bug in factwire; please report it)"
            )))
        })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// clap's errors span several lines; the contract wants one `error:` line.
fn clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            eprintln!("error: {}", clap_message(&e.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// clap's rendered error as one line: the message, the items clap lists under it
/// (`the following required arguments were not provided: <QUERY>`), and where to
/// read more (`see factwire search --help`).
fn clap_message(rendered: &str) -> String {
    let mut lines = rendered.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or("error: bad usage").trim();
    let mut msg = first.strip_prefix("error: ").unwrap_or(first).to_string();
    if msg.ends_with(':') {
        let items: Vec<&str> = lines
            .take_while(|l| l.starts_with(' ') && !l.trim().is_empty())
            .map(str::trim)
            .collect();
        msg.push(' ');
        msg.push_str(&items.join(", "));
    }
    // "Usage: factwire search [OPTIONS] <QUERY>" names the command.
    let command: Vec<&str> = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .unwrap_or("factwire")
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    let command = if command.is_empty() {
        "factwire".to_string()
    } else {
        command.join(" ")
    };
    format!("{msg} (see {command} --help)")
}

/// The error and its causes on one line, `a: b: c`, without repeats.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string().replace(['\n', '\r'], " ");
        let s = s.trim().to_string();
        if s.is_empty() || parts.last().is_some_and(|p| p.contains(&s)) {
            continue;
        }
        parts.push(s);
    }
    parts.join(": ")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(global: &args::GlobalArgs) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    // factwire's own crates at the chosen level; dependencies (hyper, reqwest, tantivy)
    // only at warn, or -v would drown in connection-pool chatter.
    let ours = [
        "factwire",
        "factwire_cli",
        "factwire_pipeline",
        "factwire_fetcher",
    ]
    .map(|c| format!("{c}={level}"))
    .join(",");
    // rustls-platform-verifier logs every refused certificate at error level; the
    // fetcher already reports it as a `tls` failure with the reason, so it stays quiet.
    let filter = tracing_subscriber::EnvFilter::try_from_env("FACTWIRE_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("warn,rustls_platform_verifier=off,{ours}"))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match global.log_format {
        args::LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        args::LogFormat::Json => builder.json().with_ansi(false).try_init(),
    };
}

/// Writes to stdout, turning a closed pipe into a quiet success upstream.
pub(crate) fn write_stdout(s: &str) -> CmdResult {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("stdout")))
}
