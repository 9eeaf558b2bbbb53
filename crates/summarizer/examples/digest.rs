//! Builds a digest from a JSON array of `DigestArticle`s and prints it.
//!
//! ```text
//! cargo run -q -p factwire-summarizer --example digest -- fixtures/stories/articles.json html > digest.html
//! ```
//!
//! The second argument is `markdown` (default), `html` or `json`. The real command is
//! `factwire digest`, which reads the articles from the store; this example shows the
//! pure part on its own.

use std::io::Write;
use std::process::ExitCode;

use factwire_summarizer::digest::{DigestArticle, DigestOptions, build_digest};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: digest ARTICLES.json [markdown|html|json]");
        return ExitCode::from(2);
    };
    let raw = match std::fs::read_to_string(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let articles: Vec<DigestArticle> = match serde_json::from_str(&raw) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {path}: not a JSON array of digest articles: {e}");
            return ExitCode::from(2);
        }
    };
    let digest = build_digest(&articles, &DigestOptions::default());
    let text = match args.get(1).map_or("markdown", String::as_str) {
        "markdown" | "md" => factwire_summarizer::render_markdown(&digest),
        "html" => factwire_summarizer::render_html(&digest),
        "json" => match serde_json::to_string_pretty(&digest) {
            Ok(j) => j + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        },
        other => {
            eprintln!("error: unknown format {other:?} (markdown, html or json)");
            return ExitCode::from(2);
        }
    };
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
