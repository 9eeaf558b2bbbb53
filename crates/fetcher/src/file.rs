//! `file://` URLs: read from disk with the same outcomes as http, so offline runs use
//! the same code path.
//!
//! A file has no ETag; its mtime, formatted as an HTTP date, plays `Last-Modified`, and a
//! request whose `last_modified` equals it is [`Outcome::NotModified`].
//!
//! Only a trusted request reads a local file ([`SkipReason::LocalFile`] otherwise).
//! Trust is decided per feed by the caller with [`LinkScope`]: a user-listed feed or
//! article is trusted; a local feed's links are trusted only under that feed's folder;
//! a remote feed's `file://` links never are. Nothing a request does widens what
//! another may read, so a remote feed can never make factwire read local files,
//! whatever else the run reads.

use std::io::Read;
use std::path::{Path, PathBuf};

use url::Url;

use crate::engine::{Engine, check_content};
use crate::{Error, FetchRequest, Fetched, Outcome, SkipReason};

pub(crate) async fn fetch(engine: &Engine, req: &FetchRequest, url: &Url) -> Outcome {
    if !req.trusted {
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

/// Which links found in one feed (or page) may be trusted like the feed itself.
///
/// Trust is per feed, never global:
/// - a remote feed's links to its own host (same host and port) are trusted, so they
///   may reach a private address the user's feed lives on; its `file://` links are
///   never trusted, whatever else the run reads;
/// - a local feed's `file://` links are trusted only under the feed's folder: the
///   folder holding the feed file, or the wider one the user configured
///   (`[[feeds]] files_under`). The check follows symbolic links, so a link inside the
///   folder that points elsewhere is outside it.
///
/// ```
/// # #[cfg(unix)] {
/// use factwire_fetcher::LinkScope;
/// let local = LinkScope::of_feed("file:///srv/feeds/news/feed.xml", None);
/// assert!(local.trusts("file:///srv/feeds/news/a.html"));
/// assert!(!local.trusts("file:///srv/feeds/other/b.html"));
/// assert!(!local.trusts("file:///etc/hostname"));
/// let wider = LinkScope::of_feed("file:///srv/feeds/news/feed.xml", Some("file:///srv/feeds"));
/// assert!(wider.trusts("file:///srv/feeds/other/b.html"));
/// let remote = LinkScope::of_feed("https://news.example/feed.xml", None);
/// assert!(remote.trusts("https://news.example/a"));
/// assert!(!remote.trusts("https://elsewhere.example/a"));
/// assert!(!remote.trusts("file:///srv/feeds/news/a.html"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkScope(Scope);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// http(s) links to this host and explicit port.
    Host(String, Option<u16>),
    /// `file://` links under this folder.
    Folder(PathBuf),
    /// Nothing (the feed URL does not parse).
    Nothing,
}

impl LinkScope {
    /// The scope of the feed at `feed_url`; `files_under` (a `file://` URL or an
    /// absolute path of a folder) widens a local feed's folder and is ignored for a
    /// remote feed.
    pub fn of_feed(feed_url: &str, files_under: Option<&str>) -> LinkScope {
        let Ok(feed) = Url::parse(feed_url.trim()) else {
            return LinkScope(Scope::Nothing);
        };
        if feed.scheme() != "file" {
            return LinkScope(match feed.host_str() {
                Some(host) => Scope::Host(host.to_ascii_lowercase(), feed.port()),
                None => Scope::Nothing,
            });
        }
        let configured = files_under.and_then(|f| match Url::parse(f) {
            Ok(url) if url.scheme() == "file" => url.to_file_path().ok(),
            _ => Some(PathBuf::from(f)).filter(|p| p.is_absolute()),
        });
        let own = feed
            .to_file_path()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        match configured.or(own) {
            Some(folder) => LinkScope(Scope::Folder(resolved(&folder))),
            None => LinkScope(Scope::Nothing),
        }
    }

    /// May `link` be fetched as trusted (see [`LinkScope`])?
    pub fn trusts(&self, link: &str) -> bool {
        let Ok(url) = Url::parse(link.trim()) else {
            return false;
        };
        match (&self.0, url.scheme()) {
            (Scope::Host(host, port), "http" | "https") => {
                url.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host)) && url.port() == *port
            }
            (Scope::Folder(folder), "file") => url
                .to_file_path()
                .is_ok_and(|path| resolved(&path).starts_with(folder)),
            _ => false,
        }
    }
}

/// `path` with symbolic links resolved where it exists (the deepest existing ancestor
/// resolved, the rest appended), so that `starts_with` compares real locations. `url`
/// has already removed `.` and `..` segments.
fn resolved(path: &Path) -> PathBuf {
    let mut tail = Vec::new();
    let mut head = path;
    loop {
        if let Ok(real) = std::fs::canonicalize(head) {
            return tail.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (head.parent(), head.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                head = parent;
            }
            _ => return path.to_path_buf(),
        }
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
