//! `file://` URLs: read from disk with the same outcomes as http, so offline runs use
//! the same code path.
//!
//! A file has no ETag; its mtime, formatted as an HTTP date, plays `Last-Modified`, and a
//! request whose `last_modified` equals it is [`Outcome::NotModified`]. Local files are
//! only read for a trusted request, or once a trusted request has read a local file in
//! this run (so the articles a local feed links to can be read), or when
//! `allow_private_networks` is set. A remote feed can therefore never make factwire read
//! local files.

use std::io::Read;
use std::path::{Path, PathBuf};

use url::Url;

use crate::engine::{Engine, check_content};
use crate::{Error, FetchRequest, Fetched, Outcome, SkipReason};

/// The trust key standing for "local files" in the access policy (no host can be spelt
/// like this).
pub(crate) const FILE_TRUST_KEY: &str = "file://";

pub(crate) async fn fetch(engine: &Engine, req: &FetchRequest, url: &Url) -> Outcome {
    if req.trusted {
        engine.policy.trust(FILE_TRUST_KEY);
    }
    if !engine.policy.allows_private(FILE_TRUST_KEY) {
        return Outcome::Skipped {
            reason: SkipReason::LocalFile,
        };
    }
    let Ok(path) = url.to_file_path() else {
        return Outcome::Failed(Error::InvalidUrl {
            url: req.url.clone(),
            reason: "not a local file path".into(),
        });
    };
    let limit = engine.settings.max_body_bytes;
    let since = req.last_modified.clone();
    let kind = req.kind;
    let final_url = String::from(url.clone());
    let read =
        tokio::task::spawn_blocking(move || read_file(&path, limit, since.as_deref(), final_url));
    match read.await {
        Ok(Ok(Some(page))) => check_content(kind, page),
        Ok(Ok(None)) => Outcome::NotModified,
        Ok(Err(e)) => Outcome::Failed(e),
        Err(join) => Outcome::Failed(Error::Setup {
            reason: format!("file reader task: {join}"),
        }),
    }
}

/// Reads the file, or `None` when its mtime equals `since`.
fn read_file(
    path: &Path,
    limit: u64,
    since: Option<&str>,
    final_url: String,
) -> Result<Option<Fetched>, Error> {
    let io = |source: std::io::Error| Error::Io {
        path: PathBuf::from(path),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let last_modified = meta.modified().ok().map(httpdate::fmt_http_date);
    if since.is_some() && since == last_modified.as_deref() {
        return Ok(None);
    }
    let too_large = || Error::TooLarge {
        url: final_url.clone(),
        limit,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut body = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut body))
        .map_err(io)?;
    if body.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(Some(Fetched {
        content_type: content_type_for(path).map(str::to_owned),
        final_url,
        status: 200,
        etag: None,
        last_modified,
        body,
    }))
}

/// A content type from the file extension, as a web server would send it.
fn content_type_for(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "json" => "application/json",
        "html" | "htm" => "text/html; charset=utf-8",
        "xhtml" => "application/xhtml+xml",
        "txt" | "text" | "md" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_map_to_types() {
        assert_eq!(
            content_type_for(Path::new("/a/feed.XML")),
            Some("application/xml")
        );
        assert_eq!(
            content_type_for(Path::new("/a/page.htm")),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(content_type_for(Path::new("/a/blob")), None);
    }
}
