//! A stand-in for `factwire extract --text FILE`: prints the text's facts and entities.
//!
//! ```text
//! cargo run -p factwire-extractor --example extract -- extract --text article.txt
//! ```
//!
//! Other flags are ignored; `--published RFC3339` sets the publication date. The text
//! is normalised with `factwire_core::text::normalize_text` first, as the real binary
//! does, and the output is `{"text": ..., "facts": [...], "entities": [...]}`.

use std::io::Write;
use std::process::ExitCode;

use factwire_core::text::normalize_text;
use factwire_extractor::{Context, Extractor, Gazetteer};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut published = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "extract" => {}
            "--published" => {
                published = args.get(i + 1).cloned();
                i += 1;
            }
            "--url" | "--sentences" | "--data-dir" | "--config" | "--format" => i += 1,
            a if a.starts_with('-') && a != "-" => {}
            a => path = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(path) = path else {
        eprintln!("error: usage: extract --text FILE");
        return ExitCode::from(2);
    };
    let raw = if path == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => s,
            Err(e) => {
                eprintln!("error: stdin: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        match std::fs::read(&path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("error: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let text = normalize_text(&raw);
    let ex = Extractor::new(Gazetteer::builtin());
    let ctx = Context {
        published,
        title: None,
    };
    let out = ex.extract(&text, &ctx);
    let json = serde_json::json!({
        "text": text,
        "published": ctx.published,
        "facts": out.facts,
        "entities": out.entities,
    });
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{json:#}").is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}
