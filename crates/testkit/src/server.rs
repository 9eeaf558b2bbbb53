//! [`TestServer`]: a small HTTP/1.1 server on 127.0.0.1 for tests, with scripted routes,
//! over plain TCP or over TLS.
//!
//! Every connection gets one request and one response (`Connection: close`), which keeps
//! the server tiny and makes each request visible on its own. Routes are looked up by
//! the full path with query first, then by the path alone; unrouted paths are served
//! from the directory given to [`TestServer::serve_dir`] (404 otherwise).
//!
//! Any 200 response carrying an `ETag` or `Last-Modified` header (files always do)
//! answers conditional requests: a matching `If-None-Match`, or an `If-Modified-Since`
//! not older than `Last-Modified`, gets `304 Not Modified`.
//!
//! [`TestServer::https`] and [`TestServer::serve_dir_https`] speak the same HTTP over
//! TLS (rustls's blocking server API) with the certificate chain and key given as PEM;
//! `fixtures/tls/` holds a test CA and leaf certificates made for this (see
//! [`TlsFixture`]). A client that rejects the certificate simply ends the handshake: the
//! server records nothing for that connection.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Largest request head read; longer ones get 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target: path plus query.
    pub path: String,
    /// Headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// When the request head had been read.
    pub at: Instant,
    /// The status the server answered with.
    pub status: u16,
}

impl RecordedRequest {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without its query.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
enum Body {
    Bytes(Arc<Vec<u8>>),
    /// `len` zero bytes, streamed; with or without a `Content-Length`.
    Zeros {
        len: u64,
        announce: bool,
    },
    /// `Content-Length: declared`, then only these bytes, then the connection closes.
    Truncated {
        bytes: Arc<Vec<u8>>,
        declared: u64,
    },
}

/// A scripted response. Build one with a constructor and adjust it with the `with_*`
/// methods:
///
/// ```
/// use std::time::Duration;
/// use factwire_testkit::Route;
/// let slow = Route::ok("text/html", "<p>late</p>").with_delay(Duration::from_millis(200));
/// let limited = Route::too_many_requests("1");
/// let moved = Route::redirect(301, "/new-home");
/// # let _ = (slow, limited, moved);
/// ```
#[derive(Debug, Clone)]
pub struct Route {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
}

impl Route {
    /// 200 with this content type and body.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Route {
        Route::status(200)
            .with_header("Content-Type", content_type)
            .with_body(body)
    }

    /// This status with an empty body.
    pub fn status(status: u16) -> Route {
        Route {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Arc::new(Vec::new())),
            delay: Duration::ZERO,
        }
    }

    /// A redirect (301, 302, 303, 307 or 308) to `location` (absolute or a path).
    pub fn redirect(status: u16, location: &str) -> Route {
        Route::status(status).with_header("Location", location)
    }

    /// 429 with `Retry-After: retry_after` (seconds or an HTTP date).
    pub fn too_many_requests(retry_after: &str) -> Route {
        Route::status(429).with_header("Retry-After", retry_after)
    }

    /// A robots.txt file.
    pub fn robots(text: &str) -> Route {
        Route::ok("text/plain", text)
    }

    /// 200 with `len` zero bytes, streamed; `announce` sends a `Content-Length` first.
    pub fn huge(content_type: &str, len: u64, announce: bool) -> Route {
        Route {
            body: Body::Zeros { len, announce },
            ..Route::status(200).with_header("Content-Type", content_type)
        }
    }

    /// 200 announcing `declared` bytes but sending only `body` before closing.
    pub fn truncated(content_type: &str, body: impl Into<Vec<u8>>, declared: u64) -> Route {
        Route {
            body: Body::Truncated {
                bytes: Arc::new(body.into()),
                declared,
            },
            ..Route::status(200).with_header("Content-Type", content_type)
        }
    }

    /// 200 with `Content-Encoding: gzip` whose body inflates to `inflated` zero bytes
    /// (a few KiB on the wire per MiB inflated).
    pub fn gzip_bomb(content_type: &str, inflated: u64) -> Route {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let block = vec![0u8; 64 * 1024];
        let mut left = inflated;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            // Writing into a Vec cannot fail.
            let _ = encoder.write_all(&block[..n]);
            left -= n as u64;
        }
        let compressed = encoder.finish().unwrap_or_default();
        Route::ok(content_type, compressed).with_header("Content-Encoding", "gzip")
    }

    /// An HTML page whose text ("Café “quoted” costs €5") is windows-1252 bytes, which
    /// are not valid UTF-8. With `declare_charset` the `Content-Type` says
    /// `charset=windows-1252`; without it the reader has to guess.
    pub fn windows_1252_page(declare_charset: bool) -> Route {
        let mut body =
            b"<!DOCTYPE html><html><head><title>Caf\xe9</title></head><body><p>Caf\xe9 ".to_vec();
        body.extend_from_slice(b"\x93quoted\x94 costs \x805</p></body></html>");
        let content_type = if declare_charset {
            "text/html; charset=windows-1252"
        } else {
            "text/html"
        };
        Route::ok(content_type, body)
    }

    /// 200 with `Content-Encoding: br` whose body inflates to `inflated` zero bytes.
    pub fn brotli_bomb(content_type: &str, inflated: u64) -> Route {
        let mut compressed = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut compressed, 64 * 1024, 5, 22);
            let block = vec![0u8; 64 * 1024];
            let mut left = inflated;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                // Writing into a Vec cannot fail.
                let _ = writer.write_all(&block[..n]);
                left -= n as u64;
            }
        }
        Route::ok(content_type, compressed).with_header("Content-Encoding", "br")
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Route {
        self.body = Body::Bytes(Arc::new(body.into()));
        self
    }

    /// Adds a header (sent as given).
    pub fn with_header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds an `ETag` header (quote it yourself: `"\"v1\""`).
    pub fn with_etag(self, etag: &str) -> Route {
        self.with_header("ETag", etag)
    }

    /// Waits this long before answering (a slow host).
    pub fn with_delay(mut self, delay: Duration) -> Route {
        self.delay = delay;
        self
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    root: Option<PathBuf>,
    routes: Mutex<HashMap<String, Vec<Route>>>,
    served: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<RecordedRequest>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A certificate and key pair from `fixtures/tls/` (made by `fixtures/tls/make.py`),
/// for [`TestServer::https`]. Clients trust the leaves signed by the test CA only when
/// given `fixtures/tls/ca.pem` ([`TlsFixture::ca_path`]) as an extra root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFixture {
    /// Valid for `localhost` and `127.0.0.1`, signed by the test CA, valid until 2123.
    Localhost,
    /// For `localhost` and `127.0.0.1`, signed by the test CA, expired at the end of 2000.
    Expired,
    /// For `other.example` only, signed by the test CA, valid until 2123.
    WrongHost,
    /// For `localhost` and `127.0.0.1`, signed by its own key (no CA knows it).
    SelfSigned,
}

impl TlsFixture {
    fn stem(self) -> &'static str {
        match self {
            TlsFixture::Localhost => "localhost",
            TlsFixture::Expired => "expired",
            TlsFixture::WrongHost => "wrong-host",
            TlsFixture::SelfSigned => "self-signed",
        }
    }

    /// The certificate's PEM file.
    pub fn cert_path(self) -> PathBuf {
        crate::fixtures_dir()
            .join("tls")
            .join(format!("{}.pem", self.stem()))
    }

    /// The private key's PEM file.
    pub fn key_path(self) -> PathBuf {
        crate::fixtures_dir()
            .join("tls")
            .join(format!("{}.key", self.stem()))
    }

    /// The test CA's certificate (PEM), the root that signed every fixture but
    /// [`TlsFixture::SelfSigned`].
    pub fn ca_path() -> PathBuf {
        crate::fixtures_dir().join("tls").join("ca.pem")
    }

    /// `(certificate PEM, key PEM)`, ready for [`TestServer::https`].
    ///
    /// # Panics
    /// If the fixture files are missing (a broken checkout).
    pub fn pem(self) -> (Vec<u8>, Vec<u8>) {
        let read = |p: PathBuf| match std::fs::read(&p) {
            Ok(bytes) => bytes,
            Err(e) => panic!("testkit: cannot read {}: {e}", p.display()),
        };
        (read(self.cert_path()), read(self.key_path()))
    }
}

/// Builds a rustls server config from PEM text.
fn tls_config(cert_pem: &[u8], key_pem: &[u8]) -> Arc<rustls::ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("testkit: bad certificate PEM: {e}"));
    assert!(!certs.is_empty(), "testkit: no certificate in the PEM text");
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .unwrap_or_else(|e| panic!("testkit: bad private key PEM: {e}"));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .unwrap_or_else(|e| panic!("testkit: cannot build the TLS server config: {e}"));
    Arc::new(config)
}

/// A local HTTP/1.1 server for tests. See the module docs for its rules.
pub struct TestServer {
    addr: SocketAddr,
    tls: bool,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .field("root", &self.state.root)
            .finish()
    }
}

impl Default for TestServer {
    fn default() -> Self {
        TestServer::new()
    }
}

impl TestServer {
    /// A server with no directory: only routes answer, anything else is 404.
    pub fn new() -> TestServer {
        TestServer::start(None, None)
    }

    /// A server for the files under `root` (plus any routes set later).
    pub fn serve_dir(root: impl AsRef<Path>) -> TestServer {
        TestServer::start(Some(root.as_ref().to_path_buf()), None)
    }

    /// Like [`TestServer::new`], over TLS with this certificate chain (leaf first) and
    /// private key, both PEM. [`TestServer::url`] then starts `https://`.
    ///
    /// ```
    /// use factwire_testkit::{TestServer, TlsFixture};
    /// let (cert, key) = TlsFixture::Localhost.pem();
    /// let server = TestServer::https(&cert, &key);
    /// assert!(server.url("/").starts_with("https://127.0.0.1:"));
    /// ```
    ///
    /// # Panics
    /// If the PEM text holds no certificate or no usable key.
    pub fn https(cert_pem: &[u8], key_pem: &[u8]) -> TestServer {
        TestServer::start(None, Some(tls_config(cert_pem, key_pem)))
    }

    /// Like [`TestServer::serve_dir`], over TLS (see [`TestServer::https`]).
    ///
    /// # Panics
    /// If the PEM text holds no certificate or no usable key.
    pub fn serve_dir_https(root: impl AsRef<Path>, cert_pem: &[u8], key_pem: &[u8]) -> TestServer {
        TestServer::start(
            Some(root.as_ref().to_path_buf()),
            Some(tls_config(cert_pem, key_pem)),
        )
    }

    fn start(root: Option<PathBuf>, tls: Option<Arc<rustls::ServerConfig>>) -> TestServer {
        let listener = match TcpListener::bind("127.0.0.1:0") {
            Ok(l) => l,
            Err(e) => panic!("testkit: cannot bind 127.0.0.1:0: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("testkit: no local address: {e}"),
        };
        let state = Arc::new(State {
            root,
            ..State::default()
        });
        let stop = Arc::new(AtomicBool::new(false));
        let is_tls = tls.is_some();
        let acceptor = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
                    let tls = tls.clone();
                    std::thread::spawn(move || {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                        match tls {
                            None => handle(stream, &state, &stop),
                            Some(config) => {
                                let Ok(conn) = rustls::ServerConnection::new(config) else {
                                    return;
                                };
                                handle(rustls::StreamOwned::new(conn, stream), &state, &stop);
                            }
                        }
                    });
                }
            })
        };
        TestServer {
            addr,
            tls: is_tls,
            state,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// The socket address (`127.0.0.1:<port>`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (`https://` for a TLS server) followed by `path`
    /// (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{path}", self.scheme(), self.addr)
    }

    /// The same URL spelt with the host name `localhost`, which resolves to loopback:
    /// useful to test name-based address checks.
    pub fn localhost_url(&self, path: &str) -> String {
        format!("{}://localhost:{}{path}", self.scheme(), self.addr.port())
    }

    fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// Answers `path` (with or without a query) with `route` from now on.
    pub fn set_route(&self, path: &str, route: Route) {
        self.set_routes(path, vec![route]);
    }

    /// Answers the n-th request to `path` with the n-th route; the last one repeats.
    /// An empty list removes the route.
    pub fn set_routes(&self, path: &str, routes: Vec<Route>) {
        lock(&self.state.served).remove(path);
        let mut map = lock(&self.state.routes);
        if routes.is_empty() {
            map.remove(path);
        } else {
            map.insert(path.to_owned(), routes);
        }
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).clone()
    }

    /// The requests whose path (query ignored) is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path_only() == path)
            .collect()
    }

    /// How many requests went to `path` (query ignored).
    pub fn hits(&self, path: &str) -> usize {
        self.requests_to(path).len()
    }

    /// Forgets the recorded requests (routes and their sequence positions stay).
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

/// One accepted connection: plain TCP or TLS over it.
trait Connection: Read + Write {
    /// Ends the exchange cleanly (TLS sends its `close_notify`).
    fn finish(&mut self) {
        let _ = self.flush();
    }
}

impl Connection for TcpStream {}

impl Connection for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn finish(&mut self) {
        self.conn.send_close_notify();
        let _ = self.flush();
    }
}

/// Reads the request head. Requests carry no body (GET and HEAD), so whatever the
/// buffered reader reads past the head is of no interest.
fn read_request(stream: &mut impl Read) -> Option<Request> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD_BYTES as u64));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    Some(Request {
        method,
        target,
        headers,
    })
}

fn handle(mut stream: impl Connection, state: &State, stop: &AtomicBool) {
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    let at = Instant::now();
    let route = pick_route(state, &req);
    let route = conditional(route, &req);
    lock(&state.log).push(RecordedRequest {
        method: req.method.clone(),
        path: req.target.clone(),
        headers: req.headers.clone(),
        at,
        status: route.status,
    });
    // Sleep in small steps so a dropped server does not wait for slow routes.
    let until = at + route.delay;
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(
            until
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(20)),
        );
    }
    let _ = write_response(&mut stream, &route, req.method == "HEAD");
    stream.finish();
}

fn pick_route(state: &State, req: &Request) -> Route {
    let path_only = req.target.split('?').next().unwrap_or_default().to_owned();
    let routes = lock(&state.routes);
    let key = [&req.target, &path_only]
        .into_iter()
        .find(|k| routes.contains_key(k.as_str()));
    if let Some(key) = key
        && let Some(list) = routes.get(key.as_str())
    {
        let mut served = lock(&state.served);
        let n = served.entry(key.clone()).or_insert(0);
        let route = list.get(*n).or_else(|| list.last()).cloned();
        *n += 1;
        if let Some(route) = route {
            return route;
        }
    }
    drop(routes);
    match &state.root {
        Some(root) => serve_file(root, &path_only),
        None => Route::ok("text/plain", "not found").with_status(404),
    }
}

impl Route {
    fn with_status(mut self, status: u16) -> Route {
        self.status = status;
        self
    }
}

/// Turns a 200 with validators into a 304 when the request's validators match.
fn conditional(route: Route, req: &Request) -> Route {
    if route.status != 200 {
        return route;
    }
    let get = |name: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let not_modified = if let Some(inm) = get("if-none-match") {
        route
            .header("ETag")
            .is_some_and(|etag| inm.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    } else if let (Some(ims), Some(lm)) = (get("if-modified-since"), route.header("Last-Modified"))
    {
        match (
            httpdate::parse_http_date(ims),
            httpdate::parse_http_date(lm),
        ) {
            (Ok(ims), Ok(lm)) => lm <= ims,
            _ => false,
        }
    } else {
        false
    };
    if !not_modified {
        return route;
    }
    let mut headers = route.headers.clone();
    headers.retain(|(k, _)| {
        !k.eq_ignore_ascii_case("content-type") && !k.eq_ignore_ascii_case("content-encoding")
    });
    Route {
        status: 304,
        headers,
        body: Body::Bytes(Arc::new(Vec::new())),
        delay: route.delay,
    }
}

/// A file under `root`, with ETag and Last-Modified; `..` and odd paths are 404.
fn serve_file(root: &Path, path: &str) -> Route {
    let not_found = || Route::ok("text/plain", "not found").with_status(404);
    let decoded = percent_decode(path);
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return not_found();
    }
    let mut full = root.join(rel);
    if full.is_dir() {
        full = full.join("index.html");
    }
    let Ok(bytes) = std::fs::read(&full) else {
        return not_found();
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(&bytes);
    let etag = format!("\"{:x}-{:x}\"", bytes.len(), hasher.finish());
    let modified = std::fs::metadata(&full)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH);
    Route::ok(content_type_for(&full), bytes)
        .with_etag(&etag)
        .with_header("Last-Modified", &httpdate::fmt_http_date(modified))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type_for(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("xml") => "application/xml",
        Some("rss") => "application/rss+xml",
        Some("atom") => "application/atom+xml",
        Some("json") => "application/feed+json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_response(stream: &mut impl Write, route: &Route, head_only: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nConnection: close\r\n",
        route.status,
        reason(route.status)
    );
    for (k, v) in &route.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let no_body = head_only || route.status == 304;
    match &route.body {
        Body::Bytes(b) if !no_body => head.push_str(&format!("Content-Length: {}\r\n", b.len())),
        Body::Zeros {
            len,
            announce: true,
        } => head.push_str(&format!("Content-Length: {len}\r\n")),
        Body::Truncated { declared, .. } => {
            head.push_str(&format!("Content-Length: {declared}\r\n"))
        }
        _ => {}
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if no_body {
        return Ok(());
    }
    match &route.body {
        Body::Bytes(b) | Body::Truncated { bytes: b, .. } => stream.write_all(b)?,
        Body::Zeros { len, .. } => {
            let block = vec![0u8; 64 * 1024];
            let mut left = *len;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                stream.write_all(&block[..n])?;
                left -= n as u64;
            }
        }
    }
    Ok(())
}
