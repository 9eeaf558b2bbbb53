//! A small robots.txt reader (RFC 9309 plus the common `Crawl-delay` extension).
//!
//! Only what factwire needs: the groups that apply to one product token (or `*` when
//! none names it), `Allow`/`Disallow` rules with `*` and `$`, the longest match winning
//! and `Allow` winning ties, and `Crawl-delay` in seconds. Pure: no I/O.

use std::time::Duration;

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
    pattern: String,
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

    /// Reads `text` for the product token `agent` (lower-case, e.g. `factwire`).
    ///
    /// ```
    /// use factwire_fetcher::robots::Robots;
    /// let r = Robots::parse("User-agent: *\nDisallow: /private\nCrawl-delay: 2", "factwire");
    /// assert!(!r.is_allowed("/private/x"));
    /// assert!(r.is_allowed("/public"));
    /// assert_eq!(r.crawl_delay(), Some(std::time::Duration::from_secs(2)));
    /// ```
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        // (agents of the group, rules, crawl delay)
        let mut groups: Vec<(Vec<String>, Vec<Rule>, Option<Duration>)> = Vec::new();
        let mut in_agent_lines = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or_default().trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agent_lines || groups.is_empty() {
                        groups.push((Vec::new(), Vec::new(), None));
                    }
                    in_agent_lines = true;
                    if let Some(group) = groups.last_mut() {
                        group.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agent_lines = false;
                    if let Some(group) = groups.last_mut()
                        && !value.is_empty()
                    {
                        group.1.push(Rule {
                            allow: key == "allow",
                            pattern: value.to_owned(),
                        });
                    }
                }
                "crawl-delay" => {
                    in_agent_lines = false;
                    if let Some(group) = groups.last_mut()
                        && let Ok(secs) = value.parse::<f64>()
                        && secs.is_finite()
                        && secs >= 0.0
                    {
                        group.2 = Some(Duration::from_secs_f64(secs.min(86_400.0)));
                    }
                }
                _ => in_agent_lines = false,
            }
        }
        let named = |ua: &String| ua != "*" && !ua.is_empty() && agent.starts_with(ua.as_str());
        let mut chosen: Vec<_> = groups.iter().filter(|g| g.0.iter().any(named)).collect();
        if chosen.is_empty() {
            chosen = groups
                .iter()
                .filter(|g| g.0.iter().any(|ua| ua == "*"))
                .collect();
        }
        let mut robots = Robots::default();
        for (_, rules, delay) in chosen {
            robots.rules.extend(rules.iter().cloned());
            if delay.is_some() {
                robots.crawl_delay = robots.crawl_delay.max(*delay);
            }
        }
        robots
    }

    /// May `path` (path plus query, starting with `/`) be fetched?
    pub fn is_allowed(&self, path: &str) -> bool {
        if self.disallow_all {
            return false;
        }
        if path == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if pattern_matches(rule.pattern.as_bytes(), path.as_bytes()) {
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
}
