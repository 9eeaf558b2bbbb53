//! A stand-in for `factwire extract --text - --sentences N`, for measuring summaries.
//!
//! ```text
//! cargo run -q -p factwire-summarizer --example summarize -- extract --text - --sentences 3 < article.txt
//! ```
//!
//! Reads plain text from stdin, normalises it as the real command does, and prints
//! `{"summary": [...]}`. Add `--lead` to print the lead-N baseline instead. The score
//! script `score_summaries.py` can drive it exactly like the `factwire` binary.

use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut n = factwire_summarizer::DEFAULT_SENTENCES;
    let mut lead = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sentences" => match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => n = v,
                None => {
                    eprintln!("error: --sentences needs a number");
                    return ExitCode::from(2);
                }
            },
            "--lead" => lead = true,
            "extract" | "--text" | "-" => {}
            other => {
                eprintln!("error: unexpected argument {other:?}");
                return ExitCode::from(2);
            }
        }
    }
    let mut raw = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut raw) {
        eprintln!("error: stdin: {e}");
        return ExitCode::from(2);
    }
    let text = factwire_core::text::normalize_text(&raw);
    let summary = if lead {
        factwire_summarizer::lead(&text, n)
    } else {
        factwire_summarizer::summarize(&text, None, &[], n)
    };
    let json = serde_json::json!({ "summary": summary });
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{json}").is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
