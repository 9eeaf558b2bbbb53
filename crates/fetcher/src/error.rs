//! The fetcher's one error type and its stable classes.
//!
//! Callers act on [`Error::class`], a short stable word that ends up in the run report's
//! `reason` field; the `Display` text is for people and may change.

use std::path::PathBuf;

use crate::Fetched;

/// Every class [`Error::class`] can return, for documentation and exhaustive tests.
pub const ERROR_CLASSES: &[&str] = &[
    "invalid_url",
    "unsupported",
    "not_found",
    "blocked",
    "rate_limited",
    "http",
    "timeout",
    "connect",
    "tls",
    "too_large",
    "redirect",
    "parse",
    "io",
    "config",
];

/// Why a fetch or a parse failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL does not parse or has no host.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A scheme other than http, https or file.
    #[error("unsupported URL scheme {scheme:?} in {url} (only http, https and file)")]
    UnsupportedScheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The server answered with a non-success status (after retries, if any applied).
    #[error("HTTP {status} from {url}")]
    Status {
        /// The URL requested.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The answer is a bot wall, challenge or consent page rather than the content.
    #[error("{url} answered with a block page instead of the content ({marker})")]
    Blocked {
        /// The URL requested.
        url: String,
        /// The marker that gave it away.
        marker: &'static str,
    },
    /// An HTML page came back where a feed was expected. The page is kept so that the
    /// caller can look for feed links in it (`feeds::discover`).
    #[error("{} returned {} where a feed was expected", .page.final_url,
        .page.content_type.as_deref().unwrap_or("HTML"))]
    NotAFeed {
        /// The page that came back.
        page: Box<Fetched>,
    },
    /// An article URL returned a content type factwire cannot read (PDF, images, ...).
    #[error("{url} returned unsupported content type {content_type}")]
    UnsupportedContent {
        /// The URL requested.
        url: String,
        /// The content type it returned.
        content_type: String,
    },
    /// The attempt took longer than the connect or total timeout.
    #[error("timed out fetching {url}: {detail}")]
    Timeout {
        /// The URL requested.
        url: String,
        /// Which limit ran out (`no connection within 10 s (connect_timeout_secs)`).
        detail: String,
    },
    /// No connection could be made (refused, unreachable, DNS failure).
    #[error("could not connect to {url}: {cause}")]
    Connect {
        /// The URL requested.
        url: String,
        /// The root cause, from the error chain (`dns error: failed to lookup
        /// address information: ...`, `tcp connect error: Connection refused`).
        cause: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The TLS handshake or certificate check failed. The class stays `tls` whatever
    /// went wrong; [`TlsProblem`] says what, for people and for tests.
    #[error("TLS failure for {url}: {problem}{}", other_cause(*.problem, .cause))]
    Tls {
        /// The URL requested.
        url: String,
        /// Which check failed.
        problem: TlsProblem,
        /// The innermost error message of the chain (rustls's own words).
        cause: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The body (after decompression) or the file is larger than `max_body_bytes`.
    #[error("{url} is larger than the {limit}-byte limit")]
    TooLarge {
        /// The URL requested.
        url: String,
        /// The limit in force.
        limit: u64,
    },
    /// Too many redirects, a redirect loop, or a redirect to a scheme other than http(s).
    #[error("redirect from {url} refused: {reason}")]
    Redirect {
        /// The URL requested.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// Feed bytes could not be parsed, or were refused (entity declarations).
    #[error("could not parse feed {url}: {reason}")]
    Parse {
        /// The feed URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Any other transport failure (connection reset, bad framing).
    #[error("fetching {url} failed: {cause}")]
    Transport {
        /// The URL requested.
        url: String,
        /// The root cause, from the error chain.
        cause: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The body broke off before its end (the connection closed or reset mid-body).
    #[error("{url}: the body was cut short: {}", truncation(*.received, *.expected, .cause))]
    Truncated {
        /// The URL requested.
        url: String,
        /// Bytes that arrived (after decompression).
        received: u64,
        /// The `Content-Length` the server announced, if any.
        expected: Option<u64>,
        /// The root cause, from the error chain.
        cause: String,
    },
    /// Reading a `file://` URL failed.
    #[error("reading {}: {source}", .path.display())]
    Io {
        /// The local path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client or the runtime could not be built from the settings.
    #[error("could not set up the fetcher: {reason}")]
    Setup {
        /// What failed.
        reason: String,
    },
}

impl Error {
    /// A short, stable word for the kind of failure; one of [`ERROR_CLASSES`].
    ///
    /// Statuses map as: 404 and 410 → `not_found`; 401, 403 and 451 → `blocked`;
    /// 429 → `rate_limited`; any other → `http`.
    pub fn class(&self) -> &'static str {
        match self {
            Error::InvalidUrl { .. } => "invalid_url",
            Error::UnsupportedScheme { .. } | Error::UnsupportedContent { .. } => "unsupported",
            Error::Status { status, .. } => match status {
                404 | 410 => "not_found",
                401 | 403 | 451 => "blocked",
                429 => "rate_limited",
                _ => "http",
            },
            // An HTML page where a feed was expected is, in practice, a login, consent
            // or block page standing in for the feed (or a site without one).
            Error::Blocked { .. } | Error::NotAFeed { .. } => "blocked",
            Error::Parse { .. } => "parse",
            Error::Timeout { .. } => "timeout",
            Error::Connect { .. } => "connect",
            Error::Tls { .. } => "tls",
            Error::TooLarge { .. } => "too_large",
            Error::Redirect { .. } => "redirect",
            Error::Transport { .. } | Error::Truncated { .. } => "io",
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => "not_found",
                _ => "io",
            },
            Error::Setup { .. } => "config",
        }
    }
}

/// What went wrong in a TLS handshake, as far as it can be told: the certificate checks
/// are told apart so that a user sees whether the site's certificate expired, comes from
/// a CA nobody trusts (self-signed, a corporate CA: see `[fetch] ca_file`), or names
/// another host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The certificate's validity period has ended.
    Expired,
    /// The certificate's validity period has not begun (or the local clock is wrong).
    NotYetValid,
    /// No trusted root vouches for the certificate: self-signed, or signed by a CA that
    /// is neither a system root nor in `ca_file`.
    UnknownIssuer,
    /// The certificate is valid, but for other host names than the one in the URL.
    WrongHost,
    /// The certificate was revoked by its issuer.
    Revoked,
    /// The certificate is unusable for another reason (bad signature, encoding, purpose).
    BadCertificate,
    /// Anything else: protocol mismatch, the server is not speaking TLS, a reset
    /// handshake.
    Other,
}

impl TlsProblem {
    /// A short stable word: `expired`, `not_yet_valid`, `unknown_issuer`, `wrong_host`,
    /// `revoked`, `bad_certificate` or `other`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TlsProblem::Expired => "expired",
            TlsProblem::NotYetValid => "not_yet_valid",
            TlsProblem::UnknownIssuer => "unknown_issuer",
            TlsProblem::WrongHost => "wrong_host",
            TlsProblem::Revoked => "revoked",
            TlsProblem::BadCertificate => "bad_certificate",
            TlsProblem::Other => "other",
        }
    }
}

impl std::fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsProblem::Expired => "certificate expired",
            TlsProblem::NotYetValid => "certificate not valid yet (check the clock)",
            TlsProblem::UnknownIssuer => {
                "certificate from an unknown issuer (self-signed or an untrusted CA)"
            }
            TlsProblem::WrongHost => "certificate not valid for this host name",
            TlsProblem::Revoked => "certificate revoked",
            TlsProblem::BadCertificate => "invalid certificate",
            TlsProblem::Other => "handshake failed",
        })
    }
}

/// The cause, shown after the problem when the problem alone says too little.
fn other_cause(problem: TlsProblem, cause: &str) -> String {
    match problem {
        TlsProblem::Other | TlsProblem::BadCertificate if !cause.is_empty() => {
            format!(" ({cause})")
        }
        _ => String::new(),
    }
}

/// "1200 of 5000 bytes arrived (cause)" or, without a `Content-Length`, "1200 bytes
/// arrived before the connection broke (cause)".
fn truncation(received: u64, expected: Option<u64>, cause: &str) -> String {
    let arrived = match expected {
        Some(expected) => format!("{received} of {expected} bytes arrived"),
        None => format!("{received} bytes arrived before the connection broke"),
    };
    if cause.is_empty() {
        arrived
    } else {
        format!("{arrived} ({cause})")
    }
}

/// The root cause of an error, for people: the messages of its source chain below the
/// outermost one (which only repeats the URL), without wrappers that add nothing
/// (`client error (Connect)`) and without a message its predecessor already contains,
/// joined with `: `. An error without sources gives its own message.
///
/// ```text
/// error sending request for url (http://127.0.0.1:9/) → client error (Connect)
///   → tcp connect error → Connection refused (os error 111)
/// gives "tcp connect error: Connection refused (os error 111)"
/// ```
pub(crate) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut source = err.source();
    while let Some(e) = source {
        let message = e.to_string();
        let adds_nothing = message.starts_with("client error (")
            || message.is_empty()
            || messages.last().is_some_and(|prev| prev.contains(&message));
        if !adds_nothing {
            messages.push(message);
        }
        source = e.source();
    }
    if messages.is_empty() {
        return err.to_string();
    }
    messages.join(": ")
}

/// A `Result` with the fetcher's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_classes_and_every_class_is_listed() {
        let status = |status| {
            Error::Status {
                url: "u".into(),
                status,
            }
            .class()
        };
        let table = [
            (404, "not_found"),
            (410, "not_found"),
            (401, "blocked"),
            (403, "blocked"),
            (451, "blocked"),
            (429, "rate_limited"),
            (500, "http"),
            (400, "http"),
        ];
        for (code, class) in table {
            assert_eq!(status(code), class, "{code}");
            assert!(ERROR_CLASSES.contains(&class));
        }
        let io = |kind| {
            Error::Io {
                path: "p".into(),
                source: std::io::Error::from(kind),
            }
            .class()
        };
        assert_eq!(io(std::io::ErrorKind::NotFound), "not_found");
        assert_eq!(io(std::io::ErrorKind::PermissionDenied), "io");
        for e in [
            Error::InvalidUrl {
                url: "u".into(),
                reason: "r".into(),
            },
            Error::TooLarge {
                url: "u".into(),
                limit: 1,
            },
            Error::Timeout {
                url: "u".into(),
                detail: "d".into(),
            },
            Error::Truncated {
                url: "u".into(),
                received: 1,
                expected: Some(2),
                cause: String::new(),
            },
            Error::Parse {
                url: "u".into(),
                reason: "r".into(),
            },
            Error::Setup { reason: "r".into() },
        ] {
            assert!(ERROR_CLASSES.contains(&e.class()), "{e}");
        }
    }

    /// An error with a source, like hyper's and reqwest's wrappers.
    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct Layer(
        &'static str,
        #[source] Option<Box<dyn std::error::Error + Send + Sync>>,
    );

    fn chain(messages: &[&'static str]) -> Layer {
        let mut inner: Option<Box<dyn std::error::Error + Send + Sync>> = None;
        for m in messages.iter().rev() {
            inner = Some(Box::new(Layer(m, inner)));
        }
        match inner {
            Some(outer) => Layer("top", Some(outer)),
            None => Layer("alone", None),
        }
    }

    #[test]
    fn root_causes_walk_the_chain() {
        let refused = chain(&[
            "client error (Connect)",
            "tcp connect error",
            "Connection refused (os error 111)",
        ]);
        assert_eq!(
            root_cause(&refused),
            "tcp connect error: Connection refused (os error 111)"
        );
        let repeated = chain(&["dns error: no such host", "no such host"]);
        assert_eq!(root_cause(&repeated), "dns error: no such host");
        assert_eq!(root_cause(&chain(&[])), "alone");
        let io = std::io::Error::other("reset by peer");
        assert_eq!(
            root_cause(&Layer("top", Some(Box::new(io)))),
            "reset by peer"
        );
    }

    #[test]
    fn truncation_says_how_much_arrived() {
        let cut = |expected| {
            Error::Truncated {
                url: "http://h/a".into(),
                received: 1200,
                expected,
                cause: "end of file before message length reached".into(),
            }
            .to_string()
        };
        assert_eq!(
            cut(Some(5000)),
            "http://h/a: the body was cut short: 1200 of 5000 bytes arrived \
             (end of file before message length reached)"
        );
        assert!(cut(None).contains("1200 bytes arrived before the connection broke"));
    }
}
