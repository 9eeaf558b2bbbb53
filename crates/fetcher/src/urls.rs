//! URL identity: [`normalize_url`] and [`local_path_to_url`].
//!
//! Two links to one article should give one stored article. `normalize_url` produces
//! the key: lower-case scheme and host, no default port, no fragment, no tracking
//! parameters. Everything else is kept as written, including the order of the remaining
//! query parameters and any trailing slash, because servers may treat those as
//! different resources.
//!
//! `http` and `https` stay distinct keys: rewriting one to the other would produce a URL
//! that may not be fetchable, and a normalised URL must remain a faithful, fetchable
//! link. Callers that want to merge the two can compare `normalize_url` results with the
//! scheme stripped.

use std::path::Path;

use url::Url;

/// Query parameters that only track where a click came from.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wickedid",
    "rb_clickid",
    "s_cid",
    "ncid",
    "cmpid",
];

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_PARAMS.contains(&key.as_str())
}

/// The identity of an article URL, or `None` when `url` is not an absolute http, https
/// or file URL.
///
/// ```
/// use factwire_fetcher::normalize_url;
/// assert_eq!(
///     normalize_url("HTTPS://Example.COM:443/a/b?utm_source=x&id=7&fbclid=y#top").as_deref(),
///     Some("https://example.com/a/b?id=7"),
/// );
/// assert_eq!(normalize_url("mailto:x@example.com"), None);
/// ```
pub fn normalize_url(url: &str) -> Option<String> {
    let mut parsed = Url::parse(url.trim()).ok()?;
    match parsed.scheme() {
        "http" | "https" => {
            parsed.host_str()?;
        }
        "file" => {}
        _ => return None,
    }
    parsed.set_fragment(None);
    if parsed.query().is_some() {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(k, _)| !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    // `url` already lower-cases the scheme and host and drops default ports.
    Some(parsed.into())
}

/// The `file://` URL for an absolute local path, or `None` for a relative path.
///
/// ```
/// # #[cfg(unix)] {
/// let url = factwire_fetcher::local_path_to_url(std::path::Path::new("/tmp/a b.xml"));
/// assert_eq!(url.as_deref(), Some("file:///tmp/a%20b.xml"));
/// # }
/// ```
pub fn local_path_to_url(path: &Path) -> Option<String> {
    Url::from_file_path(path).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_table() {
        let cases = [
            ("http://EXAMPLE.com:80/x", Some("http://example.com/x")),
            ("https://example.com/x#frag", Some("https://example.com/x")),
            (
                "https://example.com/x?b=2&a=1",
                Some("https://example.com/x?b=2&a=1"),
            ),
            (
                "https://example.com/x?utm_medium=rss",
                Some("https://example.com/x"),
            ),
            (
                "https://example.com/x?gclid=1&UTM_Source=2",
                Some("https://example.com/x"),
            ),
            ("https://example.com/x/", Some("https://example.com/x/")),
            (
                "https://example.com:8443/x",
                Some("https://example.com:8443/x"),
            ),
            ("  https://example.com/x  ", Some("https://example.com/x")),
            ("ftp://example.com/x", None),
            ("javascript:alert(1)", None),
            ("/relative/path", None),
            ("", None),
            ("file:///tmp/feed.xml#x", Some("file:///tmp/feed.xml")),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_url(input).as_deref(), want, "input {input:?}");
        }
    }

    #[test]
    fn http_and_https_stay_distinct() {
        assert_ne!(
            normalize_url("http://example.com/a"),
            normalize_url("https://example.com/a")
        );
    }

    #[test]
    fn relative_paths_have_no_file_url() {
        assert_eq!(local_path_to_url(Path::new("relative.xml")), None);
    }
}
