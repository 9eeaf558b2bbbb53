//! robots.txt as sites write it: RFC 9309, read the way Google's open-source parser
//! reads it, plus the common `Crawl-delay` extension. Pure: no I/O.
//!
//! [`Robots::from_bytes`] keeps the rules of the groups that apply to one product
//! token, and [`Robots::is_allowed`] then answers for any number of paths without
//! reading the file again. How the text is read:
//!
//! - **Bytes, not text.** At most [`PARSE_LIMIT_BYTES`] (500 KiB, RFC 9309 §2.5) are
//!   read; a line cut by the limit is dropped. A UTF-8 byte-order mark (or a leading
//!   part of one) is skipped. Lines end at LF, CR or CRLF, so files saved with old Mac
//!   line endings keep their rules. `#` starts a comment.
//! - **Lines.** `key: value`, keys case-insensitive (with the typos Google accepts,
//!   such as `useragent` and `dissallow`); a line without a colon counts when it is
//!   exactly two words (`Disallow /x`). Unknown keys, `Sitemap:` and blank lines are
//!   ignored and, in particular, do not end a group.
//! - **Groups.** A group is one or more `User-agent` lines and the rules after them;
//!   a `User-agent` line after a rule starts a new group. Rules before any
//!   `User-agent` line belong to nobody. A group's name is its value's product token,
//!   the leading run of letters, `-` and `_` (`FooBot/1.2` and `FooBot 1.2` both name
//!   `foobot`), compared case-insensitively and *whole*: a `FooBot` group does not
//!   bind `FooBotX`. Every group naming our token applies, merged; only when none
//!   does, the `*` groups apply.
//! - **Rules.** A rule path is percent-encoded before matching (non-ASCII bytes,
//!   spaces and controls become `%XX`) and escapes are compared with upper-case hex on
//!   both sides, so `Disallow: /café` matches the URL path `/caf%C3%A9`. `*` matches any
//!   run of bytes and a final `$` anchors the end. The longest matching rule wins
//!   (counted in encoded bytes) and `Allow` wins a tie; empty values match nothing;
//!   `/robots.txt` itself is always allowed.
//!
//! What the HTTP status of robots.txt means (2xx read, 4xx allow all, 5xx disallow
//! all) is the engine's business; [`Robots::allow_all`] and [`Robots::disallow_all`]
//! are its two answers.

use std::time::Duration;

/// How much of a robots.txt is read (RFC 9309 §2.5 asks for at least 500 KiB).
pub const PARSE_LIMIT_BYTES: usize = 500 * 1024;

/// The longest `Crawl-delay` believed, in seconds (a day).
const MAX_CRAWL_DELAY_SECS: f64 = 86_400.0;

/// The rules of one robots.txt for one user agent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
    disallow_all: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    allow: bool,
    /// The path pattern, percent-encoded as [`encode`] writes it.
    pattern: Vec<u8>,
}

/// Who a `User-agent` line names.
#[derive(Debug, Clone, PartialEq)]
enum Agent {
    /// `*`: everyone not named elsewhere.
    Any,
    /// A product token, lower-case (possibly empty: a value that names nobody).
    Named(Vec<u8>),
}

/// One group: its agents, its rules and its crawl delay.
#[derive(Debug, Default)]
struct Group {
    agents: Vec<Agent>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

/// The keys factwire understands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    UserAgent,
    Allow,
    Disallow,
    CrawlDelay,
    /// `Sitemap` and anything unknown: ignored, and never the end of a group.
    Other,
}

impl Key {
    fn of(key: &[u8]) -> Key {
        let key = key.to_ascii_lowercase();
        match key.as_slice() {
            b"user-agent" | b"useragent" | b"user agent" => Key::UserAgent,
            b"allow" => Key::Allow,
            b"disallow" | b"dissallow" | b"dissalow" | b"disalow" | b"diasllow" | b"disallaw" => {
                Key::Disallow
            }
            b"crawl-delay" | b"crawldelay" => Key::CrawlDelay,
            _ => Key::Other,
        }
    }
}

impl Robots {
    /// Everything allowed (no robots.txt, or a 4xx for it).
    pub fn allow_all() -> Self {
        Robots::default()
    }

    /// Everything disallowed (robots.txt unreachable or a 5xx, per RFC 9309 §2.3.1.4).
    pub fn disallow_all() -> Self {
        Robots {
            disallow_all: true,
            ..Robots::default()
        }
    }

    /// Reads `text` for the product token of `agent` (`factwire`, or a whole user
    /// agent such as `factwire/0.1`: only the token counts). See [`Robots::from_bytes`].
    ///
    /// ```
    /// use factwire_fetcher::robots::Robots;
    /// let r = Robots::parse("User-agent: *\nDisallow: /private\nCrawl-delay: 2", "factwire");
    /// assert!(!r.is_allowed("/private/x"));
    /// assert!(r.is_allowed("/public"));
    /// assert_eq!(r.crawl_delay(), Some(std::time::Duration::from_secs(2)));
    /// ```
    pub fn parse(text: &str, agent: &str) -> Self {
        Robots::from_bytes(text.as_bytes(), agent)
    }

    /// Reads robots.txt bytes as served (any encoding; rule paths are compared as
    /// bytes) for the product token of `agent`.
    ///
    /// ```
    /// use factwire_fetcher::robots::Robots;
    /// // A byte-order mark, CR line endings, a Sitemap line inside the group, and a
    /// // group name with a version: the rules still reach FooBot.
    /// let text = b"\xEF\xBB\xBFUser-agent: FooBot/2.1\rSitemap: /s.xml\rUser-agent: Other\rDisallow: /caf\xC3\xA9\r";
    /// let r = Robots::from_bytes(text, "FooBot");
    /// assert!(!r.is_allowed("/caf%C3%A9/menu"));
    /// assert!(Robots::from_bytes(text, "FooBotX").is_allowed("/caf%C3%A9/menu"));
    /// ```
    pub fn from_bytes(bytes: &[u8], agent: &str) -> Self {
        let token = product_token(agent.trim().as_bytes());
        let groups = read_groups(within_limit(strip_bom(bytes)));
        let names_us = |a: &Agent| matches!(a, Agent::Named(n) if !n.is_empty() && *n == token);
        let mut chosen: Vec<&Group> = groups
            .iter()
            .filter(|g| g.agents.iter().any(names_us))
            .collect();
        if chosen.is_empty() {
            chosen = groups
                .iter()
                .filter(|g| g.agents.contains(&Agent::Any))
                .collect();
        }
        let mut robots = Robots::default();
        for group in chosen {
            robots.rules.extend(group.rules.iter().cloned());
            if group.crawl_delay.is_some() {
                robots.crawl_delay = robots.crawl_delay.max(group.crawl_delay);
            }
        }
        robots
    }

    /// May `path` (path plus query, starting with `/`, percent-encoded as a URL
    /// carries it) be fetched?
    pub fn is_allowed(&self, path: &str) -> bool {
        if self.disallow_all {
            return false;
        }
        if path == "/robots.txt" {
            return true;
        }
        let path = encode(path.as_bytes());
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if pattern_matches(&rule.pattern, &path) {
                let len = rule.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, rule.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// The `Crawl-delay` of the applicable groups, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }
}

/// Every group of the file, in order (RFC 9309 §2.1, with Google's reading of which
/// lines end a group: only a `User-agent` line that follows a rule).
fn read_groups(body: &[u8]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    // A rule was seen since the last `User-agent` line: the next one starts a group.
    let mut after_rules = true;
    for line in body.split(|b| *b == b'\n' || *b == b'\r') {
        let Some((key, value)) = key_value(line) else {
            continue;
        };
        match Key::of(key) {
            Key::UserAgent => {
                if after_rules {
                    groups.push(Group::default());
                    after_rules = false;
                }
                if let Some(group) = groups.last_mut() {
                    group.agents.push(agent_of(value));
                }
            }
            key @ (Key::Allow | Key::Disallow) => {
                after_rules = true;
                if let Some(group) = groups.last_mut()
                    && !value.is_empty()
                {
                    group.rules.push(Rule {
                        allow: key == Key::Allow,
                        pattern: encode(value),
                    });
                }
            }
            Key::CrawlDelay => {
                if let Some(group) = groups.last_mut()
                    && let Some(delay) = crawl_delay_of(value)
                {
                    group.crawl_delay = Some(delay);
                }
            }
            Key::Other => {}
        }
    }
    groups
}

/// A line's key and value, both trimmed, without its comment; `None` for blank,
/// comment-only and unreadable lines.
fn key_value(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let line = line
        .split(|b| *b == b'#')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    if line.is_empty() {
        return None;
    }
    let (key, value) = match line.iter().position(|b| *b == b':') {
        Some(colon) => (&line[..colon], &line[colon + 1..]),
        None => {
            // Google's leniency: `Disallow /x` (exactly two words) reads as a line.
            let space = line.iter().position(u8::is_ascii_whitespace)?;
            let value = line[space..].trim_ascii();
            if value.iter().any(u8::is_ascii_whitespace) {
                return None;
            }
            (&line[..space], value)
        }
    };
    let key = key.trim_ascii();
    (!key.is_empty()).then_some((key, value.trim_ascii()))
}

/// `*` (alone, or before a space) is everyone; anything else names its product token.
fn agent_of(value: &[u8]) -> Agent {
    match value {
        [b'*'] => Agent::Any,
        [b'*', next, ..] if next.is_ascii_whitespace() => Agent::Any,
        _ => Agent::Named(product_token(value)),
    }
}

/// The leading run of letters, `-` and `_`, lower-cased (RFC 9309 §2.2.1).
fn product_token(value: &[u8]) -> Vec<u8> {
    value
        .iter()
        .take_while(|b| b.is_ascii_alphabetic() || **b == b'-' || **b == b'_')
        .map(u8::to_ascii_lowercase)
        .collect()
}

fn crawl_delay_of(value: &[u8]) -> Option<Duration> {
    let secs: f64 = std::str::from_utf8(value).ok()?.parse().ok()?;
    (secs.is_finite() && secs >= 0.0)
        .then(|| Duration::from_secs_f64(secs.min(MAX_CRAWL_DELAY_SECS)))
}

/// Skips a UTF-8 byte-order mark at the start, or the leading part of one.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let n = bytes.iter().zip(BOM).take_while(|(a, b)| a == b).count();
    &bytes[n..]
}

/// The first [`PARSE_LIMIT_BYTES`], without a last line the limit cuts.
fn within_limit(bytes: &[u8]) -> &[u8] {
    if bytes.len() <= PARSE_LIMIT_BYTES {
        return bytes;
    }
    let head = &bytes[..PARSE_LIMIT_BYTES];
    match head.iter().rposition(|b| *b == b'\n' || *b == b'\r') {
        Some(end) => &head[..end],
        None => &[],
    }
}

/// A rule path or URL path as compared: bytes outside printable ASCII (non-ASCII,
/// spaces, controls) percent-encoded, and existing `%xx` escapes with upper-case hex.
fn encode(raw: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'%'
            && let [hi, lo] = raw.get(i + 1..i + 3).unwrap_or_default()
            && hi.is_ascii_hexdigit()
            && lo.is_ascii_hexdigit()
        {
            out.extend([b'%', hi.to_ascii_uppercase(), lo.to_ascii_uppercase()]);
            i += 3;
            continue;
        }
        if b <= b' ' || b >= 0x7f {
            out.extend([b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        } else {
            out.push(b);
        }
        i += 1;
    }
    out
}

/// Does a robots pattern match the start of `path`? `*` matches any run of bytes and a
/// final `$` anchors the end. Greedy matching with one backtrack point: O(len²) at worst,
/// whatever the pattern (robots.txt is written by strangers).
fn pattern_matches(pattern: &[u8], path: &[u8]) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix(b"$") {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let (mut p, mut s) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pattern.len() && (!anchored || s == path.len()) {
            return true;
        }
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, s));
            p += 1;
        } else if p < pattern.len() && s < path.len() && pattern[p] == path[s] {
            p += 1;
            s += 1;
        } else if let Some((sp, ss)) = star
            && ss < path.len()
        {
            star = Some((sp, ss + 1));
            p = sp + 1;
            s = ss + 1;
        } else {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# comment
User-agent: otherbot
Disallow: /

User-agent: FactWire
User-agent: somebot
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Crawl-delay: 0.5

User-agent: *
Disallow: /everything-for-others
";

    #[test]
    fn the_named_group_wins_over_star() {
        let r = Robots::parse(TEXT, "factwire");
        assert!(!r.is_allowed("/private/x"));
        assert!(r.is_allowed("/private/open/y"));
        assert!(r.is_allowed("/everything-for-others"));
        assert!(!r.is_allowed("/files/report.pdf"));
        assert!(r.is_allowed("/files/report.pdf?x=1"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_millis(500)));
    }

    #[test]
    fn star_applies_when_nothing_names_us() {
        let r = Robots::parse(TEXT, "unnamed");
        assert!(!r.is_allowed("/everything-for-others/a"));
        assert!(r.is_allowed("/private/x"));
        assert_eq!(r.crawl_delay(), None);
    }

    #[test]
    fn empty_disallow_and_garbage_allow_everything() {
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "x").is_allowed("/a"));
        assert!(Robots::parse("\u{0}garbage\n:::\n", "x").is_allowed("/a"));
        assert!(Robots::allow_all().is_allowed("/a"));
        assert!(!Robots::disallow_all().is_allowed("/a"));
    }

    #[test]
    fn wildcards_do_not_explode() {
        let pattern = "/*a*a*a*a*a*a*a*a*a*a*a*a*b".as_bytes();
        let path = "/".to_owned() + &"a".repeat(5000);
        assert!(!pattern_matches(pattern, path.as_bytes()));
        assert!(pattern_matches(b"/x*y$", b"/x123y"));
        assert!(!pattern_matches(b"/x*y$", b"/x123yz"));
        assert!(pattern_matches(b"/x*y", b"/x123yz"));
    }

    #[test]
    fn longest_match_wins_and_allow_wins_ties() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /a\nAllow: /a\nDisallow: /ab\n",
            "x",
        );
        assert!(r.is_allowed("/a"));
        assert!(!r.is_allowed("/abc"));
    }

    #[test]
    fn only_the_first_500_kib_are_read() {
        let filler = "# padding\n".repeat(PARSE_LIMIT_BYTES / 10);
        let text = format!("User-agent: *\nDisallow: /early\n{filler}Disallow: /late\n");
        let r = Robots::parse(&text, "x");
        assert!(!r.is_allowed("/early"));
        assert!(r.is_allowed("/late"));
        // A line the limit cuts is dropped, not read as a shorter (broader) rule.
        let cut = format!(
            "User-agent: *\n{}Disallow: /private-area",
            "#\n".repeat(PARSE_LIMIT_BYTES / 2 - 15)
        );
        assert!(cut.len() > PARSE_LIMIT_BYTES && cut.len() < PARSE_LIMIT_BYTES + 12);
        assert!(Robots::parse(&cut, "x").is_allowed("/private"));
    }

    #[test]
    fn a_partial_byte_order_mark_is_skipped_and_bytes_need_not_be_utf8() {
        for bom in [&b"\xEF\xBB\xBF"[..], b"\xEF\xBB", b"\xEF"] {
            let text = [bom, b"User-agent: *\nDisallow: /x\n"].concat();
            assert!(
                !Robots::from_bytes(&text, "a").is_allowed("/x/y"),
                "{bom:?}"
            );
        }
        // A Latin-1 rule path: compared as the bytes it is.
        let latin1 = b"User-agent: *\nDisallow: /caf\xE9\n";
        assert!(!Robots::from_bytes(latin1, "a").is_allowed("/caf%E9"));
        assert!(Robots::from_bytes(latin1, "a").is_allowed("/caf%C3%A9"));
    }

    #[test]
    fn our_own_agent_is_cut_to_its_token() {
        let r = Robots::parse(
            "User-agent: FooBot\nDisallow: /\n",
            "FooBot/1.0 (+https://x)",
        );
        assert!(!r.is_allowed("/a"));
    }

    /// Cases in the style of Google's robots.txt parser test suite
    /// (`robots_test.cc`) and RFC 9309, restated for factwire's API: robots.txt text,
    /// our product token, a path (as the `url` crate writes it: percent-encoded), and
    /// whether it may be fetched. Google-only behaviours the RFC does not ask for
    /// (`index.html` as its directory, line-length caps) are left out.
    const GOOGLE_STYLE_CASES: &[(&str, &str, &str, &str, bool)] = &[
        // (case, robots.txt, agent, path, allowed)
        ("empty file", "", "foobot", "/", true),
        (
            "line syntax",
            "user-agent: FooBot\ndisallow: /\n",
            "foobot",
            "/x",
            false,
        ),
        (
            "unknown keys only",
            "foo: FooBot\nbar: /\n",
            "foobot",
            "/x",
            true,
        ),
        (
            "no colon, two tokens",
            "user-agent FooBot\ndisallow /\n",
            "foobot",
            "/x",
            false,
        ),
        (
            "rules before any user-agent are ignored",
            "allow: /foo/bar/\nuser-agent: FooBot\ndisallow: /\n",
            "foobot",
            "/foo/bar/",
            false,
        ),
        (
            "groups: a blank line does not end a group",
            "user-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n",
            "barbot",
            "/w/a",
            true,
        ),
        (
            "groups: two groups for one agent merge",
            "user-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n",
            "foobot",
            "/z/d",
            true,
        ),
        (
            "groups: another agent's rules do not apply",
            "user-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n",
            "foobot",
            "/y/c",
            false,
        ),
        (
            "groups: consecutive agents share the rules after them",
            "user-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n",
            "bazbot",
            "/z/d",
            true,
        ),
        (
            "a Sitemap line between agents does not split the group",
            "User-agent: BarBot\nSitemap: https://foo.bar/sitemap\nUser-agent: *\nDisallow: /\n",
            "barbot",
            "/",
            false,
        ),
        (
            "an unknown line between agents does not split the group",
            "User-agent: FooBot\nInvalid-Unknown-Line: unknown\nUser-agent: *\nDisallow: /\n",
            "foobot",
            "/",
            false,
        ),
        (
            "keys are case-insensitive",
            "USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n",
            "foobot",
            "/x/y",
            true,
        ),
        (
            "keys are case-insensitive (disallow)",
            "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n",
            "foobot",
            "/a/b",
            false,
        ),
        (
            "agent names are case-insensitive",
            "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n",
            "foo",
            "/a",
            false,
        ),
        (
            "an agent group value is cut at the first space",
            "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n",
            "foo",
            "/x/y",
            true,
        ),
        (
            "an agent group value is cut at the first slash",
            "User-agent: FooBot/1.2\nDisallow: /\n",
            "foobot",
            "/a",
            false,
        ),
        (
            "group names are not prefixes",
            "User-agent: FooBot\nDisallow: /\n",
            "foobotx",
            "/a",
            true,
        ),
        (
            "our token is not a prefix of a longer group name",
            "User-agent: FooBotX\nDisallow: /\n",
            "foobot",
            "/a",
            true,
        ),
        (
            "the specific group wins over the global one",
            "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n",
            "foobot",
            "/x",
            false,
        ),
        (
            "the global group applies when nothing names us",
            "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n",
            "barbot",
            "/x",
            true,
        ),
        (
            "no global group and nothing names us",
            "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n",
            "quxbot",
            "/x",
            true,
        ),
        (
            "rule values are case-sensitive",
            "user-agent: FooBot\ndisallow: /x/\n",
            "foobot",
            "/X/",
            true,
        ),
        (
            "rule values are case-sensitive (upper)",
            "user-agent: FooBot\ndisallow: /X/\n",
            "foobot",
            "/x/",
            true,
        ),
        (
            "longest match: allow longer",
            "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n",
            "foobot",
            "/x/page.html",
            true,
        ),
        (
            "longest match: disallow longer",
            "user-agent: FooBot\nallow: /x/\ndisallow: /x/page.html\n",
            "foobot",
            "/x/page.html",
            false,
        ),
        (
            "longest match: shorter allow elsewhere",
            "user-agent: FooBot\nallow: /x/\ndisallow: /x/page.html\n",
            "foobot",
            "/x/",
            true,
        ),
        (
            "empty rule values match nothing",
            "user-agent: FooBot\ndisallow: \nallow: \n",
            "foobot",
            "/",
            true,
        ),
        (
            "allow wins a tie",
            "user-agent: FooBot\ndisallow: /\nallow: /\n",
            "foobot",
            "/",
            true,
        ),
        (
            "allow wins a tie on one path",
            "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n",
            "foobot",
            "/x/page.html",
            true,
        ),
        (
            "trailing slash matters",
            "user-agent: FooBot\ndisallow: /x\nallow: /x/\n",
            "foobot",
            "/x",
            false,
        ),
        (
            "a wildcard counts its characters",
            "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n",
            "foobot",
            "/page.html",
            false,
        ),
        (
            "a longer literal beats a wildcard",
            "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
            "foobot",
            "/x/page.html",
            true,
        ),
        (
            "a wildcard rule applies elsewhere",
            "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
            "foobot",
            "/x/y.html",
            false,
        ),
        (
            "the specific group alone applies",
            "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n",
            "foobot",
            "/x/page",
            true,
        ),
        (
            "query strings are matched",
            "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n",
            "foobot",
            "/foo/bar?qux=taz&baz=http://foo.bar?tar&par",
            true,
        ),
        (
            "a non-ASCII rule is percent-encoded",
            "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n",
            "foobot",
            "/foo/bar/%E3%83%84",
            true,
        ),
        (
            "a non-ASCII disallow is percent-encoded",
            "User-agent: *\nDisallow: /café\n",
            "foobot",
            "/caf%C3%A9/menu",
            false,
        ),
        (
            "an encoded rule matches the encoded path",
            "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n",
            "foobot",
            "/foo/bar/%E3%83%84",
            true,
        ),
        (
            "percent escapes compare without regard to hex case",
            "User-agent: FooBot\nDisallow: /foo/bar/%e3%83%84\n",
            "foobot",
            "/foo/bar/%E3%83%84",
            false,
        ),
        (
            "encoded ASCII is not decoded",
            "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n",
            "foobot",
            "/foo/bar/baz",
            false,
        ),
        (
            "encoded ASCII matches itself",
            "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n",
            "foobot",
            "/foo/bar/%62%61%7A",
            true,
        ),
        (
            "star in the middle",
            "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n",
            "foobot",
            "/foo/bar/quz",
            false,
        ),
        (
            "star in the middle allows",
            "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n",
            "foobot",
            "/foo//qux",
            true,
        ),
        (
            "dollar anchors the end",
            "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n",
            "foobot",
            "/foo/bar",
            false,
        ),
        (
            "dollar does not match longer paths",
            "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n",
            "foobot",
            "/foo/bar/baz",
            true,
        ),
        (
            "comments end a value",
            "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n",
            "foobot",
            "/foo/bar",
            true,
        ),
        (
            "comments end a value (rule kept)",
            "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n",
            "foobot",
            "/foo/quz",
            false,
        ),
        (
            "a UTF-8 byte-order mark is skipped",
            "\u{feff}User-Agent: foo\nDisallow: /AnyValue\n",
            "foo",
            "/AnyValue",
            false,
        ),
        (
            "a BOM later in the file is not skipped",
            "User-Agent: foo\n\u{feff}Disallow: /AnyValue\n",
            "foo",
            "/AnyValue",
            true,
        ),
        (
            "bare CR line endings",
            "User-Agent: foo\rDisallow: /some/path\rUser-Agent: bar\rDisallow: /\r",
            "foo",
            "/some/path",
            false,
        ),
        (
            "CRLF line endings",
            "User-Agent: foo\r\nDisallow: /some/path\r\nUser-Agent: bar\r\nDisallow: /\r\n",
            "foo",
            "/some/path",
            false,
        ),
        (
            "mixed line endings",
            "User-Agent: foo\nAllow: /some/path\r\nUser-Agent: bar\r\n\r\n\nDisallow: /\r",
            "bar",
            "/x",
            false,
        ),
        (
            "last line without a line ending",
            "User-Agent: foo\nDisallow: /some/path",
            "foo",
            "/some/path",
            false,
        ),
        (
            "robots.txt itself is always allowed",
            "User-agent: *\nDisallow: /\n",
            "foobot",
            "/robots.txt",
            true,
        ),
        (
            "disallow everything",
            "User-agent: *\nDisallow: /\n",
            "foobot",
            "/anything?x=1",
            false,
        ),
    ];

    #[test]
    fn google_style_suite() {
        let mut failed = Vec::new();
        for (case, text, agent, path, allowed) in GOOGLE_STYLE_CASES {
            if Robots::parse(text, agent).is_allowed(path) != *allowed {
                failed.push(*case);
            }
        }
        assert!(
            failed.is_empty(),
            "{} of {} cases fail: {failed:#?}",
            failed.len(),
            GOOGLE_STYLE_CASES.len()
        );
    }
}
