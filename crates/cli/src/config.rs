//! The config file, and merging it with the command line and the environment.
//!
//! Sources, strongest first: command line > environment > config file > defaults.
//! clap already folds the environment into the command line (`FACTWIRE_DATA_DIR`,
//! `FACTWIRE_CONFIG`), so [`Settings::resolve`] only has three layers to merge.

mod check;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::Fail;
use crate::args::GlobalArgs;

/// The default config path, used when it exists and no other is given.
pub const DEFAULT_CONFIG: &str = "config/factwire.toml";
/// The default data directory.
pub const DEFAULT_DATA_DIR: &str = "./data";

/// The config file as written. Unknown keys are errors, so a typo is caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[[feeds]]`.
    #[serde(default)]
    pub feeds: Vec<FeedConfig>,
    /// `[fetch]`.
    #[serde(default)]
    pub fetch: factwire_fetcher::FetchSettings,
    /// `[summary]`.
    #[serde(default)]
    pub summary: factwire_summarizer::Settings,
    /// `[extract]`.
    #[serde(default)]
    pub extract: ExtractConfig,
    /// `[data]`.
    #[serde(default)]
    pub data: DataConfig,
    /// `[search]`.
    #[serde(default)]
    pub search: SearchConfig,
}

/// `[search]`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// An extra thesaurus TOML (same format as `config/thesaurus.toml`), its groups
    /// added to the built-in ones.
    pub thesaurus: Option<PathBuf>,
}

/// One `[[feeds]]` table.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// http(s) URL, `file://` URL or local path (relative to the current directory,
    /// else to the config file's directory).
    pub url: String,
    /// Display name.
    pub name: Option<String>,
    /// Accept this feed's TLS certificate (and those of article links on the feed's own
    /// host) even when it is expired, self-signed or for another host name. Dangerous:
    /// anyone between factwire and the site can then read and change what comes back.
    /// Prefer `[fetch] ca_file` for a private CA. Default false.
    #[serde(default)]
    pub accept_invalid_certs: bool,
    /// For a local feed: the folder whose files its links may name (a path, relative
    /// like `url`, or a `file://` URL). Default: the folder holding the feed file. A
    /// remote feed's links are never local files.
    pub files_under: Option<String>,
}

/// `[extract]`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExtractConfig {
    /// An extra gazetteer TOML, layered over the built-in one.
    pub entities: Option<PathBuf>,
}

/// `[data]`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// The data directory, when neither `--data-dir` nor `FACTWIRE_DATA_DIR` is given.
    pub dir: Option<PathBuf>,
}

/// Validated settings shared by the commands.
#[derive(Debug)]
pub struct Settings {
    /// The merged file config.
    pub file: FileConfig,
    /// Where the config came from, if anywhere.
    pub config_path: Option<PathBuf>,
    /// The data directory.
    pub data_dir: PathBuf,
}

impl Settings {
    /// Loads the config named by the command line (or the default if it exists) and
    /// merges the layers.
    pub fn resolve(global: &GlobalArgs) -> std::result::Result<Settings, Fail> {
        let (file, config_path) = match &global.config {
            Some(p) => (load(p).map_err(Fail::Input)?, Some(p.clone())),
            None => {
                let p = PathBuf::from(DEFAULT_CONFIG);
                if p.is_file() {
                    (load(&p).map_err(Fail::Input)?, Some(p))
                } else {
                    (FileConfig::default(), None)
                }
            }
        };
        let data_dir = merge_data_dir(global.data_dir.as_deref(), file.data.dir.as_deref());
        let mut settings = Settings {
            file,
            config_path,
            data_dir,
        };
        if let Some(ca_file) = settings.file.fetch.ca_file.take() {
            let resolved = settings.relative_to_config(&ca_file);
            check::ca_file(&resolved)
                .with_context(|| settings.config_display())
                .map_err(Fail::Input)?;
            settings.file.fetch.ca_file = Some(resolved);
        }
        Ok(settings)
    }

    /// The gazetteer: built in, plus the config's extra file.
    pub fn gazetteer(&self) -> std::result::Result<factwire_extractor::Gazetteer, Fail> {
        let mut g = factwire_extractor::Gazetteer::builtin();
        if let Some(extra) = &self.file.extract.entities {
            let path = self.relative_to_config(extra);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{}", path.display()))
                .map_err(Fail::Input)?;
            let more = factwire_extractor::Gazetteer::from_toml_str(&text)
                .with_context(|| format!("{}", path.display()))
                .map_err(Fail::Input)?;
            g.extend(more);
        }
        Ok(g)
    }

    /// The config file's path for messages (`(no config file)` when there is none).
    fn config_display(&self) -> String {
        self.config_path.as_deref().map_or_else(
            || "(no config file)".to_string(),
            |p| p.display().to_string(),
        )
    }

    /// A path from the config: as given if it exists from the current directory,
    /// else relative to the config file's directory.
    pub fn relative_to_config(&self, p: &Path) -> PathBuf {
        if p.is_absolute() || p.exists() {
            return p.to_path_buf();
        }
        match self.config_path.as_deref().and_then(Path::parent) {
            Some(dir) if dir.join(p).exists() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Command line (with environment) > config file > default.
pub fn merge_data_dir(cli: Option<&Path>, file: Option<&Path>) -> PathBuf {
    cli.or(file)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
}

/// Reads and parses a config file.
pub fn load(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    parse(&text).with_context(|| format!("{}", path.display()))
}

/// Parses config text: TOML syntax, then whole numbers in range (`check::numbers`),
/// then the typed parse (unknown keys, wrong types), then feed URLs and the user agent
/// (`check::values`). Every error names the key (or the line) and what is allowed.
pub fn parse(text: &str) -> Result<FileConfig> {
    let raw: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    check::numbers(&raw)?;
    let cfg: FileConfig = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    check::values(&cfg)?;
    Ok(cfg)
}

/// toml's message spans several lines (with a caret); keep it to one, with the line.
fn toml_error(text: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().to_string();
    match e.span() {
        Some(span) => {
            let line = text.as_bytes()[..span.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            anyhow::anyhow!("line {line}: {msg}")
        }
        None => anyhow::anyhow!("{msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_order_is_cli_then_file_then_default() {
        let cases: [(Option<&str>, Option<&str>, &str); 4] = [
            (Some("cli"), Some("file"), "cli"),
            (None, Some("file"), "file"),
            (Some("cli"), None, "cli"),
            (None, None, DEFAULT_DATA_DIR),
        ];
        for (cli, file, want) in cases {
            let got = merge_data_dir(cli.map(Path::new), file.map(Path::new));
            assert_eq!(got, PathBuf::from(want), "{cli:?} {file:?}");
        }
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_line() {
        let err = parse("[fetch]\nconcurrency = 2\nconcurency = 3\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("concurency"), "{msg}");
    }

    #[test]
    fn feeds_parse() {
        let cfg = parse("[[feeds]]\nurl = \"https://a.example/feed\"\nname = \"A\"\n").unwrap();
        assert_eq!(cfg.feeds.len(), 1);
        assert_eq!(cfg.feeds[0].name.as_deref(), Some("A"));
        assert!(!cfg.feeds[0].accept_invalid_certs);
    }

    /// The shipped config parses as is, and so does its `[fetch]` table with every
    /// commented-out `key = value` line uncommented (each key it documents exists).
    #[test]
    fn the_default_config_parses_with_its_fetch_examples_uncommented() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/factwire.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!parse(&text).unwrap().feeds.is_empty());
        let fetch = text
            .split("\n[fetch]\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap();
        let uncommented: Vec<&str> = fetch
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.contains(" = "))
            .collect();
        assert!(uncommented.iter().any(|l| l.starts_with("ca_file")));
        let cfg = parse(&format!("[fetch]\n{}\n", uncommented.join("\n"))).unwrap();
        assert!(cfg.fetch.ca_file.is_some());
        // The feed example in the comments, uncommented.
        let feed: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("#   "))
            .collect();
        let cfg = parse(&feed.join("\n")).unwrap();
        assert!(cfg.feeds[0].accept_invalid_certs);
    }

    #[test]
    fn tls_keys_parse() {
        let cfg = parse(
            "[fetch]\nca_file = \"corp.pem\"\n\n[[feeds]]\nurl = \"https://intranet/feed\"\naccept_invalid_certs = true\n",
        )
        .unwrap();
        assert!(cfg.feeds[0].accept_invalid_certs);
        assert_eq!(cfg.fetch.ca_file, Some(PathBuf::from("corp.pem")));
        assert!(parse("[[feeds]]\nurl = \"u\"\naccept_invalid_cert = true\n").is_err());
    }
}
