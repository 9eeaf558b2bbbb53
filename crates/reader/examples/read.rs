//! Reads one HTML page and prints what the reader found, as JSON.
//!
//! ```text
//! cargo run -p factwire-reader --example read -- extract --html page.html --url https://ex.com/a
//! cargo run -p factwire-reader --example read -- page.html
//! ```
//!
//! It accepts the `factwire extract --html FILE --url URL` argument shape (other
//! arguments are ignored) so the project's extraction scorer can run it directly. The
//! input's bytes go through [`factwire_reader::decode`] first, the way the pipeline
//! does it.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut url = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--url" => {
                url = args.get(i + 1).cloned();
                i += 1;
            }
            "--html" | "--text" | "extract" => {}
            "--sentences" => i += 1,
            other if !other.starts_with("--") => path = Some(other.to_owned()),
            _ => {}
        }
        i += 1;
    }
    let Some(path) = path else {
        eprintln!("usage: read [extract --html] FILE [--url URL]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let html = factwire_reader::decode(&bytes, None);
    let page = factwire_reader::read_html(&html, url.as_deref());
    let json = serde_json::json!({
        "url": url,
        "title": page.title,
        "byline": page.byline,
        "published": page.published,
        "site_name": page.site_name,
        "language": page.language,
        "canonical_url": page.canonical_url,
        "text": page.text,
    });
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{json}").is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
